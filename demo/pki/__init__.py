"""The demo PKI (DỮ LIỆU MINH HỌA, never for production): two trust chains as a Vietnamese
verifier must accept both — a public-service chain (like the Government Cipher Committee's) and a
public CA's —, a personal certificate for each demo chair, an organisation certificate for each
demo unit, the application's own sealing certificate, a revoked, an expired and a forged one, and
the local OCSP, CRL and timestamp services (certomancer's Animator), generated at set-up into
var/dev-keys/ by `manage.py make_dev_keys`.
"""
