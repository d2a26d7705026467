"""Opens an export zip the way a user's tools do and prints what it holds as JSON.

usage: read-export.py ZIP [CSV_ENTRY ...]   or   read-export.py --csv FILE
       read-export.py --machine ZIP
Prints {"testzip": first bad entry or null, "entries": [{name, size, sha256, flag_bits}],
"csv": {entry: {"bom": bool, "crlf_only": bool, "rows": [[...], ...]}}} where each named CSV
entry is parsed with Python's csv module (RFC 4180), header included as rows[0].

--machine (the snapshot's machine-facing CSV, docs/EXPORTS.md#names-and-cells): every *.csv entry is parsed by
parse_machine_csv below, which keeps what Python's csv module loses — an empty unquoted field
is null (NULL), a quoted empty field "" is the empty string — and is cross-checked against the
csv module ("csv_module_agrees"); every *.json entry is parsed into "json".
"""
import csv
import hashlib
import io
import json
import re
import sys
import zipfile

UNQUOTED = re.compile(r'[^,\r\n"]*')


def parse_machine_csv(text):
    """Strict RFC 4180 reader: rows of str (quoted or non-empty) or None (empty unquoted field)."""
    rows, row, i, n = [], [], 0, len(text)
    while i < n:
        if text[i] == '"':
            parts, i = [], i + 1
            while True:
                j = text.find('"', i)
                if j < 0:
                    raise ValueError(f"unterminated quoted field at {i}")
                parts.append(text[i:j])
                if text[j + 1 : j + 2] == '"':
                    parts.append('"')
                    i = j + 2
                else:
                    i = j + 1
                    break
            field = "".join(parts)
        else:
            m = UNQUOTED.match(text, i)
            field = m.group(0) or None
            i = m.end()
        row.append(field)
        if text.startswith(",", i):
            i += 1
            if i == n:
                raise ValueError("record ends with a comma and no line break")
        elif text.startswith("\r\n", i):
            rows.append(row)
            row, i = [], i + 2
        elif i < n:
            raise ValueError(f"unexpected {text[i]!r} at {i}")
    if row:
        raise ValueError("last record has no CRLF")
    return rows


def read_machine(path):
    out = {"entries": [], "csv": {}, "json": {}}
    with zipfile.ZipFile(path) as z:
        out["testzip"] = z.testzip()
        for info in z.infolist():
            data = z.read(info)
            out["entries"].append({
                "name": info.filename,
                "size": info.file_size,
                "sha256": hashlib.sha256(data).hexdigest(),
                "flag_bits": info.flag_bits,
                "compress_type": info.compress_type,
            })
            if info.filename.endswith(".csv"):
                text = data.decode("utf-8")  # strict: invalid UTF-8 fails the read
                rows = parse_machine_csv(text)
                std = list(csv.reader(io.StringIO(text, newline=""), strict=True))
                plain = [["" if f is None else f for f in r] for r in rows]
                out["csv"][info.filename] = {
                    "bom": data.startswith(b"\xef\xbb\xbf"),
                    "crlf_only": crlf_only(text),
                    "rows": rows,
                    "csv_module_agrees": plain == std,
                }
            elif info.filename.endswith(".json"):
                out["json"][info.filename] = json.loads(data.decode("utf-8"))
    return out



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


if sys.argv[1] == "--machine":
    print(json.dumps(read_machine(sys.argv[2])))
    sys.exit(0)

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
