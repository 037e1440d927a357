"""Which files `llmextract run DIR` reads: everything under DIR, nothing a link leads to outside it."""

from __future__ import annotations

from llmextract.batch.discover import discover


def test_links_leading_out_of_the_folder_are_listed_not_followed(tmp_path):
    outside = tmp_path / "outside"
    (outside / "deeper").mkdir(parents=True)
    (outside / "a.pdf").write_bytes(b"%PDF-")
    (outside / "deeper" / "b.txt").write_text("x")
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "c.txt").write_text("x")
    (root / "notes.docx").write_text("x")
    (root / "out.pdf").symlink_to(outside / "a.pdf")
    (root / "out-dir").symlink_to(outside, target_is_directory=True)
    (root / "in-dir").symlink_to(root / "sub", target_is_directory=True)  # inside, but walked once as sub/
    (root / "same.txt").symlink_to(root / "sub" / "c.txt")
    found = discover(root)
    assert [p.relative_to(root).as_posix() for p in found.supported] == ["same.txt", "sub/c.txt"]
    assert [p.name for p in found.unsupported] == ["notes.docx"]
    assert [p.name for p in found.outside] == ["out-dir", "out.pdf"]
