"""Official documents: the ranking decision (DOCX/PDF, Nghị định 30/2020 layout), annexes, scorecards, report."""
