"""People's accounts: staff create and manage them; each user's log-in, password and
second factor."""
