"""Opens an export zip the way a user's tools do and prints what it holds as JSON.

usage: read-export.py ZIP [CSV_ENTRY ...]   or   read-export.py --csv FILE
Prints {"testzip": first bad entry or null, "entries": [{name, size, sha256, flag_bits}],
"csv": {entry: {"bom": bool, "crlf_only": bool, "rows": [[...], ...]}}} where each named CSV
entry is parsed with Python's csv module (RFC 4180), header included as rows[0].
"""
import csv
import hashlib
import io
import json
import sys
import zipfile



def crlf_only(text):
    """Outside quoted fields, every line break is CRLF and the last record ends with one."""
    quoted = False
    for i, c in enumerate(text):
        if c == '"':
            quoted = not quoted
        elif not quoted and c == "\n" and (i == 0 or text[i - 1] != "\r"):
            return False
        elif not quoted and c == "\r" and text[i + 1 : i + 2] != "\n":
            return False
    return text == "" or text.endswith("\r\n")


def parse_csv(data):
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    return {"bom": data.startswith(b"\xef\xbb\xbf"), "crlf_only": crlf_only(text), "rows": rows}


if sys.argv[1] == "--csv":
    with open(sys.argv[2], "rb") as f:
        print(json.dumps(parse_csv(f.read())))
    sys.exit(0)

path, wanted = sys.argv[1], sys.argv[2:]
out = {"entries": [], "csv": {}}
with zipfile.ZipFile(path) as z:
    out["testzip"] = z.testzip()
    for info in z.infolist():
        data = z.read(info)
        out["entries"].append({
            "name": info.filename,
            "size": info.file_size,
            "sha256": hashlib.sha256(data).hexdigest(),
            "flag_bits": info.flag_bits,
        })
        if info.filename in wanted:
            out["csv"][info.filename] = parse_csv(data)
print(json.dumps(out))
