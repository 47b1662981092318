"""Spreadsheets in and out: reading .xlsx/.xls/.csv sheets into checked rows, and writing the
template, the export and the errors workbook.  openpyxl and python-calamine are imported only
inside the functions that need them, so ``pledges --help`` never loads them."""
