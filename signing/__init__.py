"""Signature library for certified copies (bản sao): pure, never imports `app`.

Modules: keys (key pairs, PKCS#12), ca (development CA, CRLs), identity (key + certificate +
chain), trust (trust roots and CRLs from configuration), manifest (RFC 8785 signed manifests),
pdf_sign (PAdES with a visible Vietnamese stamp, attached parent PDFs), pdf_validate
(per-signature results), chain (copy-chain walk), timefmt (Vietnam time display).
Formats: docs/signing.md.
"""
