"""Accounts of server mode: roles, agencies and areas, hashed passwords, sessions, lockout.

Everything lives in the report database (tables `accounts`, `sessions`, `login_failures`),
so several app instances over one database share sessions and lockout counters. Passwords
are hashed with argon2id (argon2-cffi); only the hash is stored. A session cookie holds a
random token; the database keeps its SHA-256 only. SQL is portable (text ids made here,
ISO-8601 UTC times from Python, no engine-specific functions).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .serverdb import reader
from .store import Store, StoreError
from .trail import now, record

Role = Literal["clerk", "reviewer", "office", "sysadmin"]
ROLE_LABELS: dict[str, str] = {
    "clerk": "经办人",
    "reviewer": "审核人",
    "office": "政务公开办管理员",
    "sysadmin": "系统管理员",
}
ROLE_BY_LABEL = {label: role for role, label in ROLE_LABELS.items()}

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 200
LOGIN_FAILURES_ALLOWED = 5  # wrong passwords per account …
LOGIN_WINDOW = dt.timedelta(minutes=15)  # … within this window lock it for the window
# Per client address the limit is higher: a whole agency may sit behind one NAT address,
# and one clerk's typos must not lock out the colleagues; guessing many names still stops.
ADDRESS_FAILURES_ALLOWED = 30
SESSION_IDLE = dt.timedelta(hours=8)  # a session unused this long has expired
SESSION_MAX = dt.timedelta(hours=24)  # and none lives longer than this
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen is written at most this often

_HASHER = PasswordHasher()  # argon2id with the library's recommended parameters


class AccountError(StoreError):
    """A refused account operation; the message (Chinese) names the field and what to do."""


class LoginLocked(AccountError):
    """Too many wrong passwords: refused until `wait_seconds` have passed."""

    def __init__(self, wait_seconds: int) -> None:
        minutes = max(1, -(-wait_seconds // 60))
        super().__init__(f"密码错误次数过多，账号已暂时锁定，请 {minutes} 分钟后再试")
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class Account:
    """One user. `agency` ties a 经办人/审核人 to an agency (机关全称); `area` (e.g. 某县)
    is the area whose agencies a 政务公开办管理员 sees; a 系统管理员 sees everything."""

    id: str
    username: str
    display_name: str
    role: Role
    agency: str
    area: str
    disabled: bool
    must_change: bool
    created_at: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def label(self) -> str:
        """How the user is named on pages and in the audit trail: 张三（经办人）."""
        return f"{self.display_name}（{self.role_label}）"


def password_problem(password: str) -> str:
    """Why `password` is not acceptable (Chinese), or "" when it is."""
    if len(password) < MIN_PASSWORD_CHARS:
        return f"密码至少 {MIN_PASSWORD_CHARS} 个字符"
    if len(password) > MAX_PASSWORD_CHARS:
        return f"密码最多 {MAX_PASSWORD_CHARS} 个字符"
    if len(set(password)) < 4:
        return "密码中重复的字符太多，请至少使用 4 种不同字符"
    return ""


def hash_password(password: str) -> str:
    """The argon2id hash of `password` (raises AccountError if it is too weak)."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    return _HASHER.hash(password)


def _row_account(row: object) -> Account:
    r = row  # sqlite3.Row or a mapping with the same keys
    return Account(
        id=r["id"],  # type: ignore[index]
        username=r["username"],  # type: ignore[index]
        display_name=r["display_name"],  # type: ignore[index]
        role=r["role"],  # type: ignore[index]
        agency=r["agency"],  # type: ignore[index]
        area=r["area"],  # type: ignore[index]
        disabled=bool(r["disabled"]),  # type: ignore[index]
        must_change=bool(r["must_change"]),  # type: ignore[index]
        created_at=r["created_at"],  # type: ignore[index]
    )


def add_account(
    store: Store,
    username: str,
    password: str,
    *,
    role: str,
    display_name: str = "",
    agency: str = "",
    area: str = "",
) -> Account:
    """Create an account. Raises AccountError (Chinese, naming the field) when the user
    name is taken or malformed, the role unknown, the agency/area missing for the role, or
    the password too weak."""
    username = username.strip()
    role = ROLE_BY_LABEL.get(role, role)
    if not (2 <= len(username) <= 50) or any(ch.isspace() for ch in username):
        raise AccountError("用户名应为 2–50 个字符，且不含空格")
    if role not in ROLE_LABELS:
        raise AccountError(f"角色“{role}”不存在，可选：{'、'.join(ROLE_LABELS.values())}")
    if role in ("clerk", "reviewer") and not agency.strip():
        raise AccountError(f"{ROLE_LABELS[role]}必须填写所属机关（机关全称）")
    if role == "office" and not area.strip():
        raise AccountError("政务公开办管理员必须填写所辖地区，如 某县")
    password_hash = hash_password(password)
    account_id = uuid.uuid4().hex
    with store._transaction() as db:
        if db.execute("SELECT 1 FROM accounts WHERE username = ?", (username,)).fetchone():
            raise AccountError(f"用户名“{username}”已被使用，请换一个")
        db.execute(
            "INSERT INTO accounts (id, username, display_name, role, agency, area,"
            " password_hash, disabled, must_change, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?)",
            (
                account_id,
                username,
                display_name.strip() or username,
                role,
                agency.strip(),
                area.strip(),
                password_hash,
                now().isoformat(),
            ),
        )
        described = f"{username} {ROLE_LABELS[role]} {agency.strip() or area.strip()}".strip()
        record(db, "account", username, "", described, subject_id=account_id)
    return get_account(store, account_id)


def get_account(store: Store, account_id: str) -> Account:
    row = reader(store).execute("SELECT * FROM accounts WHERE id = ?", (account_id,)).fetchone()
    if row is None:
        raise AccountError("找不到这个账号")
    return _row_account(row)


def find_account(store: Store, username: str) -> Account:
    """The account named `username`; AccountError if there is none."""
    row = (
        reader(store)
        .execute("SELECT * FROM accounts WHERE username = ?", (username.strip(),))
        .fetchone()
    )
    if row is None:
        raise AccountError(f"没有用户名为“{username}”的账号")
    return _row_account(row)


def list_accounts(store: Store, area: str | None = None) -> list[Account]:
    """Every account by user name; with `area`, only those of that area (office view)."""
    rows = reader(store).execute("SELECT * FROM accounts ORDER BY username")
    accounts = [_row_account(row) for row in rows]
    if area is not None:
        accounts = [a for a in accounts if a.area == area]
    return accounts


def set_disabled(store: Store, account_id: str, disabled: bool) -> Account:
    """Disable (or enable) an account; disabling also ends its sessions."""
    account = get_account(store, account_id)
    if account.disabled == disabled:
        return account
    with store._transaction() as db:
        db.execute(
            "UPDATE accounts SET disabled = ? WHERE id = ?", (1 if disabled else 0, account_id)
        )
        if disabled:
            db.execute("DELETE FROM sessions WHERE account_id = ?", (account_id,))
        states = ("启用", "停用")
        record(
            db,
            "account",
            account.username + " 状态",
            states[account.disabled],
            states[disabled],
            subject_id=account_id,
        )
    return get_account(store, account_id)


def set_password(store: Store, account_id: str, password: str, *, must_change: bool) -> Account:
    """Set a new password (hashed), end every session of the account and clear its lockout.
    `must_change` makes the user choose their own password at the next login (a reset)."""
    password_hash = hash_password(password)
    account = get_account(store, account_id)
    with store._transaction() as db:
        db.execute(
            "UPDATE accounts SET password_hash = ?, must_change = ? WHERE id = ?",
            (password_hash, 1 if must_change else 0, account_id),
        )
        db.execute("DELETE FROM sessions WHERE account_id = ?", (account_id,))
        db.execute("DELETE FROM login_failures WHERE subject = ?", ("user:" + account.username,))
        what = "管理员重设（登录后须修改）" if must_change else "本人修改"
        # the trail names the change, never a password or its hash
        record(db, "account", account.username + " 密码", "（原密码）", what, subject_id=account_id)
    return get_account(store, account_id)


def change_password(store: Store, account: Account, old: str, new: str) -> Account:
    """The user's own password change: the old password must be right."""
    if not _verify(store, account.id, old):
        raise AccountError("原密码不正确")
    if old == new:
        raise AccountError("新密码不能与原密码相同")
    return set_password(store, account.id, new, must_change=False)


def _verify(store: Store, account_id: str, password: str) -> bool:
    row = (
        reader(store)
        .execute("SELECT password_hash FROM accounts WHERE id = ?", (account_id,))
        .fetchone()
    )
    if row is None:
        return False
    try:
        return _HASHER.verify(row["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return False


def _lock_wait(store: Store, subject: str, at: dt.datetime) -> int:
    """Seconds `subject` (user:… or ip:…) must still wait (0 when it may try now)."""
    allowed = ADDRESS_FAILURES_ALLOWED if subject.startswith("ip:") else LOGIN_FAILURES_ALLOWED
    since = (at - LOGIN_WINDOW).isoformat()
    rows = (
        reader(store)
        .execute(
            "SELECT failed_at FROM login_failures WHERE subject = ? AND failed_at > ?"
            " ORDER BY failed_at",
            (subject, since),
        )
        .fetchall()
    )
    if len(rows) < allowed:
        return 0
    unlock = dt.datetime.fromisoformat(rows[-allowed]["failed_at"]) + LOGIN_WINDOW
    return max(1, int((unlock - at).total_seconds()))


def _record_failure(store: Store, subjects: list[str], at: dt.datetime) -> None:
    with store._transaction() as db:
        for subject in subjects:
            db.execute(
                "INSERT INTO login_failures (id, subject, failed_at) VALUES (?, ?, ?)",
                (uuid.uuid4().hex, subject, at.isoformat()),
            )
        db.execute(
            "DELETE FROM login_failures WHERE failed_at < ?", ((at - LOGIN_WINDOW).isoformat(),)
        )


def authenticate(store: Store, username: str, password: str, client: str) -> Account:
    """The account if `password` is right. Raises LoginLocked after LOGIN_FAILURES_ALLOWED
    wrong passwords for this user name (ADDRESS_FAILURES_ALLOWED from this client address)
    within LOGIN_WINDOW (counted in the database), AccountError for a wrong name/password or a disabled account
    (one message for both, so names cannot be probed)."""
    at = now()
    subjects = ["user:" + username.strip()[:100], "ip:" + client]
    wait = max(_lock_wait(store, subject, at) for subject in subjects)
    if wait:
        raise LoginLocked(wait)
    try:
        account = find_account(store, username)
    except AccountError:
        account = None
    if account is None or account.disabled or not _verify(store, account.id, password):
        if account is None:
            _HASHER.hash("timing-equaliser")  # a missing name costs as much as a wrong password
        _record_failure(store, subjects, at)
        raise AccountError("用户名或密码不正确（或账号已停用）")
    with store._transaction() as db:
        db.execute("DELETE FROM login_failures WHERE subject = ?", (subjects[0],))
    return account


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: Store, account: Account) -> str:
    """A new session for `account`; returns the cookie token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    stamp = now().isoformat()
    with store._transaction() as db:
        db.execute(
            "INSERT INTO sessions (token_hash, account_id, created_at, last_seen)"
            " VALUES (?, ?, ?, ?)",
            (_token_hash(token), account.id, stamp, stamp),
        )
    return token


def session_account(
    store: Store,
    token: str | None,
    *,
    idle: dt.timedelta = SESSION_IDLE,
    at: dt.datetime | None = None,
) -> Account | None:
    """The account of a live session, or None (no such session, expired — idle longer
    than `idle` or older than SESSION_MAX — or the account disabled). Expired sessions are
    deleted; a live one is marked as used."""
    if not token or len(token) > 100:
        return None
    at = at or now()
    key = _token_hash(token)
    row = (
        reader(store)
        .execute(
            "SELECT s.created_at, s.last_seen, a.* FROM sessions s"
            " JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?",
            (key,),
        )
        .fetchone()
    )
    if row is None:
        return None
    last_seen = dt.datetime.fromisoformat(row["last_seen"])
    created = dt.datetime.fromisoformat(row["created_at"])
    if row["disabled"] or at - last_seen > idle or at - created > SESSION_MAX:
        end_session(store, token)
        return None
    if at - last_seen > TOUCH_EVERY:
        with store._transaction() as db:
            db.execute(
                "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (at.isoformat(), key)
            )
    return _row_account(row)


def end_session(store: Store, token: str) -> None:
    with store._transaction() as db:
        db.execute("DELETE FROM sessions WHERE token_hash = ?", (_token_hash(token),))


def stored_password_hash(store: Store, account_id: str) -> str:
    """The stored hash (for tests and `users list` diagnostics; never the password)."""
    row = (
        reader(store)
        .execute("SELECT password_hash FROM accounts WHERE id = ?", (account_id,))
        .fetchone()
    )
    return str(row["password_hash"]) if row else ""
