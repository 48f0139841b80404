"""`audit verify` beyond the log: stored files, users, API tokens and register series tampered
with directly in the database (or on disk) are named; the same state untouched verifies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.services.audit_verify import Finding, VerifyReport, verify
from tests.audit.activity import seq_of, sql
from tests.factories import arrive, seed_arrival_body


def only(report: VerifyReport, kind: str) -> Finding:
    assert not report.ok
    assert [f.kind for f in report.findings] == [kind], report.summary()
    finding = report.findings[0]
    assert f"- {finding.message}" in report.summary()
    return finding


def notice(client: Any, world: Any, n: int, org: str = "VPTU", who: str = "clerk_vptu") -> Any:
    """Register TW's notice ``n``-TB/TW (one arrival, one number of the 2020 series)."""
    document = {**seed_arrival_body()["document"], "notation": f"{n}-TB/TW", "references": []}
    return arrive(client, world, who=who, org=org, document=document)


def new_user(client: Any, world: Any, role: str = "clerk", clearance: str = "NONE") -> int:
    r = client.post("/orgs/VPTU/users", headers=world.auth("admin"),
                    json={"name": "Văn thư mới", "role": role, "clearance": clearance})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def new_token(client: Any, world: Any, user_id: int) -> tuple[int, str]:
    r = client.post(f"/users/{user_id}/tokens", headers=world.auth("admin"), json={"label": "t"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"]), str(r.json()["token"])


def continue_series(client: Any, world: Any, org: str, who: str, register: str,
                    last_number: int) -> str:
    r = client.put(f"/orgs/{org}/registers/series", headers=world.auth(who),
                   json={"register": register, "on": "2020-01-10", "last_number": last_number})
    assert r.status_code == 200, r.text
    return str(r.json()["scope_key"])


def test_a_clean_state_with_files_users_tokens_and_series_verifies(client: Any, world: Any,
                                                                    ctx: Any) -> None:
    from app.db import CertifiedCopy, DocumentFile, RegisterSeries
    from tests.factories import issue_first_copy

    issue_first_copy(client, world, ctx)
    token_id, _ = new_token(client, world, new_user(client, world))
    assert client.delete(f"/tokens/{token_id}", headers=world.auth("admin")).status_code == 204
    continue_series(client, world, "TTTU", "clerk_tttu", "arrival", 951)
    assert notice(client, world, 7, org="TTTU", who="clerk_tttu")["arrival_number"] == 952
    report = verify(ctx)
    assert report.ok, report.summary()
    with ctx.reading() as s:
        digests = set(s.scalars(select(DocumentFile.sha256)))
        digests |= set(s.scalars(select(CertifiedCopy.pdf_sha256)))
        digests |= set(s.scalars(select(CertifiedCopy.envelope_sha256)))
        series = s.scalar(select(func.count()).select_from(RegisterSeries))
    assert report.files == len(digests) >= 3  # the arrival's scan, the copy's PDF and manifest
    assert report.sequences == series == 3  # VPTU's arrivals and copies, TTTU's arrivals
    assert report.summary().endswith(f"{len(digests)} stored files match their SHA-256, "
                                     "3 register series match their rows")
    assert report.to_dict()["files"] == len(digests)


def test_a_stored_file_overwritten_or_removed_is_named_by_its_row(client: Any, world: Any,
                                                                  ctx: Any) -> None:
    from app.db import DocumentFile
    from tests.factories import issue_first_copy

    arrival, copy = issue_first_copy(client, world, ctx)
    assert verify(ctx).ok
    with ctx.reading() as s:
        scan = s.scalars(select(DocumentFile).where(
            DocumentFile.document_id == arrival["document"]["id"])).one()
        scan_id, scan_digest = scan.id, scan.sha256
    path = ctx.store.path_for(scan_digest)
    original = path.read_bytes()
    middle = len(original) // 2
    path.write_bytes(original[:middle] + bytes([original[middle] ^ 1]) + original[middle + 1:])
    finding = only(verify(ctx), "file")
    assert finding.row == f"document_files row {scan_id}"
    assert f"document {arrival['document']['id']}" in finding.message
    assert "the stored file was altered" in finding.message
    path.write_bytes(original)
    assert verify(ctx).ok
    ctx.store.path_for(copy["pdf_sha256"]).unlink()
    finding = only(verify(ctx), "file")
    assert finding.row == f"certified_copies row {copy['id']}"
    assert "stored PDF (pdf_sha256" in finding.message
    assert "missing from the store" in finding.message


def test_a_role_or_clearance_changed_in_sql_is_named_with_what_it_was(client: Any, world: Any,
                                                                      ctx: Any) -> None:
    user_id = new_user(client, world)
    assert verify(ctx).ok, verify(ctx).summary()
    sql(ctx, "UPDATE users SET role = 'admin', clearance = 'TUYET_MAT' WHERE id = :i", i=user_id)
    finding = only(verify(ctx), "register_row")
    assert finding.row == f"users row {user_id}"
    assert (finding.action, finding.seq) == ("user.created", seq_of(ctx, "user.created", user_id))
    assert ("changed in the database without an audit event: role clerk → admin, clearance "
            "NONE → TUYET_MAT since event") in finding.message
    sql(ctx, "UPDATE users SET role = 'clerk', clearance = 'MAT' WHERE id = :i", i=user_id)
    assert "clearance NONE → MAT since" in only(verify(ctx), "register_row").message
    sql(ctx, "UPDATE users SET clearance = 'NONE' WHERE id = :i", i=user_id)
    assert verify(ctx).ok


def test_a_user_inserted_in_sql_after_logging_began_is_named(client: Any, world: Any,
                                                            ctx: Any) -> None:
    new_user(client, world)
    assert verify(ctx).ok  # the test world's own users predate the log: not judged
    sql(ctx, "INSERT INTO users (organisation_id, name, role, clearance, created_at) "
             "SELECT organisation_id, 'Kẻ lạ', 'admin', 'TUYET_MAT', created_at FROM users "
             "WHERE id = :i", i=world.user_ids["admin"])
    with ctx.reading() as s:
        from app.db import User

        forged = s.scalar(select(func.max(User.id)))
    finding = only(verify(ctx), "register_row")
    assert finding.row == f"users row {forged}"
    assert "has no user.created event in the audit log" in finding.message


def test_a_revoked_token_made_valid_again_in_sql_is_named(client: Any, world: Any,
                                                         ctx: Any) -> None:
    user_id = new_user(client, world)
    token_id, token = new_token(client, world, user_id)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.delete(f"/tokens/{token_id}", headers=bearer).status_code == 204
    assert client.get("/me", headers=bearer).status_code == 401
    assert verify(ctx).ok, verify(ctx).summary()
    sql(ctx, "UPDATE api_tokens SET revoked_at = NULL WHERE id = :i", i=token_id)
    assert client.get("/me", headers=bearer).status_code == 200  # what the intruder gained
    finding = only(verify(ctx), "token")
    assert finding.row == f"api_tokens row {token_id}" and finding.action == "token.revoked"
    assert finding.seq == seq_of(ctx, "token.revoked", user_id)
    assert f"api_tokens row {token_id} (user {user_id}) is valid again" in finding.message
    assert "its revoked_at was cleared in the database" in finding.message


def test_a_token_moved_to_another_user_or_inserted_in_sql_is_named(client: Any, world: Any,
                                                                  ctx: Any) -> None:
    user_id = new_user(client, world)
    token_id, _ = new_token(client, world, user_id)
    assert verify(ctx).ok
    admin = world.user_ids["admin"]
    sql(ctx, "UPDATE api_tokens SET user_id = :a WHERE id = :i", a=admin, i=token_id)
    finding = only(verify(ctx), "token")
    assert finding.row == f"api_tokens row {token_id}" and finding.action == "token.created"
    assert f"now belongs to user {admin}, but event" in finding.message
    sql(ctx, "UPDATE api_tokens SET user_id = :u WHERE id = :i", u=user_id, i=token_id)
    assert verify(ctx).ok
    sql(ctx, "INSERT INTO api_tokens (user_id, token_sha256, label, created_at) "
             "VALUES (:a, :h, 'forged', CURRENT_TIMESTAMP)", a=admin, h="ab" * 32)
    finding = only(verify(ctx), "token")
    assert finding.row == f"api_tokens row {token_id + 1}"
    assert "has no token.created event in the audit log" in finding.message


def test_a_series_raised_or_lowered_without_a_register_row_is_named(client: Any, world: Any,
                                                                   ctx: Any) -> None:
    first = notice(client, world, 1)
    notice(client, world, 2)
    assert verify(ctx).ok
    where = f"sequences row VPTU/arrival/{first['scope_key']}"
    sql(ctx, "UPDATE sequences SET last_number = 5 WHERE register = 'arrival'")
    finding = only(verify(ctx), "sequence")
    assert finding.row == where
    assert finding.message == (f"{where}: last_number is 5 but the highest arrival number its "
                               "register rows use is 2: numbers 3–5 were taken without a "
                               "register row")
    sql(ctx, "UPDATE sequences SET last_number = 1 WHERE register = 'arrival'")
    assert "would be given again" in only(verify(ctx), "sequence").message
    sql(ctx, "UPDATE sequences SET last_number = 2 WHERE register = 'arrival'")
    assert verify(ctx).ok
    sql(ctx, "DELETE FROM sequences WHERE register = 'arrival'")
    finding = only(verify(ctx), "sequence")
    assert finding.row == where and "numbering would start again at 1" in finding.message


def test_a_series_continued_from_paper_checks_against_the_audited_number(
        client: Any, world: Any, ctx: Any) -> None:
    scope = continue_series(client, world, "TTTU", "clerk_tttu", "arrival", 951)
    assert verify(ctx).ok  # last_number 951 = the audited paper number, no rows yet
    assert notice(client, world, 7, org="TTTU", who="clerk_tttu")["arrival_number"] == 952
    assert verify(ctx).ok
    where = f"sequences row TTTU/arrival/{scope}"
    sql(ctx, "UPDATE sequences SET last_number = 960 WHERE register = 'arrival'")
    finding = only(verify(ctx), "sequence")
    assert finding.row == where
    assert "it continued from paper number 951: numbers 953–960 were taken" in finding.message
    # raising the paper number too, to cover it, is caught against the event that recorded it
    sql(ctx, "UPDATE sequences SET continued_from = 960 WHERE register = 'arrival'")
    finding = only(verify(ctx), "sequence")
    assert finding.row == where and finding.action == "register.continued_from_paper"
    assert f"{where}: continued_from is 960, not the paper number event" in finding.message
    # a paper number set where no office ever continued from paper
    sql(ctx, "UPDATE sequences SET continued_from = 951, last_number = 952")
    assert verify(ctx).ok
    notice(client, world, 8)
    sql(ctx, "UPDATE sequences SET continued_from = 40, last_number = 40 WHERE register = "
             "'arrival' AND last_number = 1")
    finding = only(verify(ctx), "sequence")
    assert finding.row == f"sequences row VPTU/arrival/{scope}"
    assert "no register.continued_from_paper event recorded it" in finding.message


def test_the_demo_verifies(ctx: Any) -> None:
    from app.demo import load_demo

    load_demo(ctx)
    report = verify(ctx)
    assert report.ok, report.summary()
    assert report.sequences >= 3 and report.files >= 3
