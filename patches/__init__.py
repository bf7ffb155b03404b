"""Small, measured fixes to Rasa 3.6 itself, applied when the Rasa server loads our channels."""
