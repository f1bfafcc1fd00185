#!/usr/bin/env python3
"""What filing costs in the search index as the store grows (issue 23).

Builds an FTS5 page_text of N pages (two per document, 200 words each) with
page_text_rows beside it, as the store has them since schema 8, and times,
side by side on the same database: replacing one document's text and reading
it by the UNINDEXED document_id column (before schema 8) against the same
through page_text_rows' primary key.

    python3 bench/page_text_rows.py 200000
"""
import random
import sqlite3
import sys
import tempfile
import time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
random.seed(1)
words = "patient history hypertension diabetes follow up plan chest pain medication review normal".split()
with tempfile.NamedTemporaryFile(suffix=".db") as file:
    db = sqlite3.connect(file.name)
    db.executescript("""
CREATE VIRTUAL TABLE page_text USING fts5(document_id UNINDEXED, pdf_page UNINDEXED, text);
CREATE TABLE page_text_rows(document_id TEXT NOT NULL, pdf_page INTEGER NOT NULL,
  text_rowid INTEGER NOT NULL, PRIMARY KEY(document_id, pdf_page)) WITHOUT ROWID;""")
    with db:
        for i in range(n):
            doc = "doc%07d" % (i // 2)
            cur = db.execute("INSERT INTO page_text(document_id, pdf_page, text) VALUES (?, ?, ?)",
                             (doc, i % 2 + 1, " ".join(random.choice(words) for _ in range(200))))
            db.execute("INSERT INTO page_text_rows VALUES (?, ?, ?)", (doc, i % 2 + 1, cur.lastrowid))

    def ms(sql, doc):
        start = time.perf_counter()
        with db:
            list(db.execute(sql, (doc,)))
        return (time.perf_counter() - start) * 1000

    mid = n // 4
    old_delete = ms("DELETE FROM page_text WHERE document_id = ?", "doc%07d" % mid)
    new_delete = ms("DELETE FROM page_text WHERE rowid IN "
                    "(SELECT text_rowid FROM page_text_rows WHERE document_id = ?)", "doc%07d" % (mid + 1))
    old_read = ms("SELECT text FROM page_text WHERE document_id = ?", "doc%07d" % (mid + 2))
    new_read = ms("SELECT t.text FROM page_text_rows r JOIN page_text t ON t.rowid = r.text_rowid "
                  "WHERE r.document_id = ?", "doc%07d" % (mid + 3))
    print(f"{n} pages: replace a document's text {old_delete:.1f} ms -> {new_delete:.2f} ms "
          f"({old_delete / new_delete:.0f}x); read it {old_read:.1f} ms -> {new_read:.2f} ms "
          f"({old_read / new_read:.0f}x)")
