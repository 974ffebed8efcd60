"""The common base of the errors draftbot raises on purpose.

Every error class of the library derives from `DraftbotError`, whose text is a Simplified-
Chinese message fit to show to the clerk (what is wrong, where, what to do). The families keep
their own classes (`StoreError`, `DataFileError`, `ReportImportError`, `LLMError`,
`ExportBlocked`, `SettingsError` …), and the CLI and the web map each family to its exit code
or HTTP status; their last-resort handlers catch `DraftbotError` so that a library error that
reaches them is still shown with its own message rather than as an unforeseen failure.

This module imports nothing from draftbot: any module may import it.
"""

from __future__ import annotations


class DraftbotError(Exception):
    """An error of draftbot's own; `str(error)` / `user_message()` is Chinese for the user.

    Subclasses whose message is built from several parts (e.g. `DataFileError`, a list of
    problems) override `user_message()`.
    """

    def user_message(self) -> str:
        """The Chinese message for the user: what is wrong and what to do (never empty)."""
        return str(self) or "操作未完成（draftbot 未给出原因）；请把所用的命令或操作告诉维护人员。"
