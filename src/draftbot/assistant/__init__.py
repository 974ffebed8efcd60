"""The chat assistant beside the form: rules, retrieval, report questions, proposed changes."""
