"""Sub-commands of `vanthu`, one module each; every module exposes ``register(subparsers)``."""
