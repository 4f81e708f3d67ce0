"""The review pages: lists, the review, the editor, workflow actions and comments."""
