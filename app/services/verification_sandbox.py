"""Run a verification of untrusted input in a bounded child process.

An uploaded file is untrusted, so `signing.verify_pdf` runs in a child with a time limit and an
address-space limit (`Budget`): a PDF bomb gets an `InputProblem`, never a hung or killed
server. The parent answers the child's parent look-ups (`resolve`), which may use the database.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from signing import (
    InputProblem,
    Limits,
    ParentRef,
    ResolvedParent,
    SignedManifest,
    TrustStore,
    VerificationReport,
    read_manifest,
)

MiB = 1024 * 1024



@dataclass(frozen=True)
class Budget:
    """What one verification may use: wall-clock seconds, address space, and the input limits."""

    seconds: float = 60.0
    memory_bytes: int = 2048 * MiB
    limits: Limits = field(default_factory=Limits)


DEFAULT_BUDGET = Budget()


_mp_lock = threading.Lock()
_mp_context: Any = None


def _context() -> Any:
    """A forkserver context (children fork from a clean, single-threaded server that has
    pyHanko loaded, never from the threaded web server)."""
    global _mp_context
    with _mp_lock:
        if _mp_context is None:
            ctx = multiprocessing.get_context("forkserver")
            # What a check loads lazily too, so that each child starts warm.
            ctx.set_forkserver_preload(["app.services.verification_sandbox", "pyhanko.pdf_utils.filters",
                                        "cryptography.hazmat.backends.openssl"])
            _mp_context = ctx
        return _mp_context


def _trust_payload(trust: TrustStore) -> tuple[list[bytes], list[bytes], list[bytes], str]:
    from cryptography.hazmat.primitives.serialization import Encoding

    der = Encoding.DER
    return (
        [c.public_bytes(der) for c in trust.roots],
        [c.public_bytes(der) for c in trust.intermediates],
        [c.public_bytes(der) for c in trust.crls],
        trust.revocation_mode,
    )


def _child(conn: Connection, pdf: bytes, manifests: list[bytes],
           trust: tuple[list[bytes], list[bytes], list[bytes], str], limits: Limits,
           memory_bytes: int) -> None:  # pragma: no cover - runs in the child process
    import resource

    from signing import verify_pdf

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    roots, inters, crls, mode = trust
    store = TrustStore.from_pem(roots, crls, inters, mode)

    def resolve(ref: ParentRef) -> ResolvedParent | None:
        conn.send(("resolve", ref))
        answer: ResolvedParent | None = conn.recv()
        return answer

    try:
        report = verify_pdf(pdf, store, manifests=[read_manifest(m) for m in manifests],
                            resolve=resolve, limits=limits)
        conn.send(("report", report))
    except InputProblem as exc:
        conn.send(("problem", exc.kind, exc.message))
    except MemoryError:
        conn.send(("problem", "too-complex", "the PDF needs more memory to check than allowed"))
    except Exception as exc:  # untrusted input reached a corner of pyHanko: report, not crash
        conn.send(("problem", "damaged", f"the PDF could not be checked: {type(exc).__name__}: "
                                         f"{exc}"[:500]))
    finally:
        conn.close()


def run_bounded(pdf: bytes, manifests: Sequence[SignedManifest], trust: TrustStore,
                resolve: Callable[[ParentRef], ResolvedParent | None] | None,
                budget: Budget) -> VerificationReport:
    """`verify_pdf` in a child process, killed after `budget.seconds`; `resolve` runs here (it
    may use the database). Raises InputProblem for bad input, a timeout or a memory overrun."""
    mp = _context()
    here, there = mp.Pipe()
    proc = mp.Process(target=_child, daemon=True, args=(
        there, pdf, [m.to_json() for m in manifests], _trust_payload(trust), budget.limits,
        budget.memory_bytes))
    proc.start()
    there.close()
    deadline = time.monotonic() + budget.seconds
    too_long = InputProblem(
        "too-complex", f"the check did not finish within {budget.seconds:g} s; the PDF is too "
        "complex to verify here")
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not here.poll(left):
                raise too_long
            try:
                message = here.recv()
            except (EOFError, OSError) as exc:
                raise InputProblem(
                    "too-complex", "the check stopped before it finished (it needed more memory "
                    f"than the {budget.memory_bytes // MiB} MiB allowed)") from exc
            if message[0] == "resolve":
                here.send(resolve(message[1]) if resolve is not None else None)
            elif message[0] == "report":
                report: VerificationReport = message[1]
                return report
            else:
                raise InputProblem(message[1], message[2])
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        here.close()
