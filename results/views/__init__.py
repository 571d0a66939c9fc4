"""The results pages, by subject. Each view fetches through results.access, calls one service
through core.views.call_service and redirects."""
