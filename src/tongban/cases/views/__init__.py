"""Pages for cases: the applicant's portal and the staff workbench."""
