"""The password hasher, with its cost chosen for this service (docs/deploy.md, "Passwords")."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum: 19 MiB of memory, two passes, one lane.

    About 20 ms of a core per check here, against 0.35 s for PBKDF2 at Django's 1.5 million
    iterations and 0.2 s for Django's own Argon2 defaults (100 MiB, eight lanes). Hashes keep
    the algorithm name "argon2"; Django re-hashes one with other parameters at its next log-in.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
