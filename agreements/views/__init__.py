"""The agreement pages, by subject; `page` holds the agreement page and what every part shares."""
