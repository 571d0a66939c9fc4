"""The awards pages, by subject. Each view fetches through awards.access (404 to outsiders, 403
to readers), calls one service through core.views.call_service and redirects."""
