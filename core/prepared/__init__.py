"""Prepared files: documents and exports produced in the background (django.tasks).

Each app registers the kinds it offers (`kinds.register`), like the dashboard's providers: a kind
knows how to find its object for a user (the app's access check, which raises 404 or 403) and
how to produce the file from that object. A request only creates the job and queues the task
(`services.prepare`); the page shows the job's progress (htmx polling) and then the download
link (`views`). In tests and in `make run` the immediate backend runs the task in the request.
"""
