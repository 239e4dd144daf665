"""Reading identity documents: hardware ID card readers (plugins) and photo/scan OCR."""
