"""What the tests share besides fixtures: factories, clients, form and PDF readers, workers,
browsers, the URL access table. Test modules import from here and nowhere else in tests/;
fixtures live in the conftest.py files (tests/test_layout.py holds both rules)."""
