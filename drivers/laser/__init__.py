"""The A4 laser printer of 表单自动套打: form layouts (form_layout.py) and the filled form as PDF
(form_pdf.py). Printing through CUPS comes next."""
