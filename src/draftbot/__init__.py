"""draftbot: drafts 政府信息公开工作年度报告 from a clerk's answers, checked and in the official format."""

__version__ = "0.1.0"
