package ocr
