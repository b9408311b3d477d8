"""What a project manager sends upward: the current view exported (CSV, .xlsx) with its totals
counted by the one rule of kpi/figures.py, and the KPI board as a workbook."""
