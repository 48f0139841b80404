"""The tamper-evident audit log (nhật ký kiểm tra): RFC 6962 Merkle hashing, proofs, signed heads.

Pure code over hashlib and cryptography; the database only supplies a
:class:`~app.audit.node_store.NodeStore` and stores events and signed heads.
"""

from app.audit.event_codec import (
    EventFormatError,
    decode_event,
    encode_event,
    event_leaf_hash,
    state_digest,
)
from app.audit.merkle import (
    EMPTY_ROOT,
    MerkleLog,
    consistency_path,
    inclusion_path,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from app.audit.node_store import InMemoryNodeStore, NodeConflictError, NodeStore
from app.audit.tree_head import (
    SignedTreeHead,
    TreeHead,
    key_id,
    sign_tree_head,
    verify_tree_head,
)

__all__ = [
    "EMPTY_ROOT",
    "EventFormatError",
    "InMemoryNodeStore",
    "MerkleLog",
    "NodeConflictError",
    "NodeStore",
    "SignedTreeHead",
    "TreeHead",
    "consistency_path",
    "decode_event",
    "encode_event",
    "event_leaf_hash",
    "inclusion_path",
    "key_id",
    "leaf_hash",
    "node_hash",
    "root_from_leaf_hashes",
    "sign_tree_head",
    "state_digest",
    "verify_consistency",
    "verify_inclusion",
    "verify_tree_head",
]
