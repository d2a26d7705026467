"""Damages an export the way a disk, a network or a hand might, for the verify tests.

usage:
  tamper.py flip ZIP ENTRY          flips one byte in the middle of ENTRY's stored data, in place
  tamper.py drop-row ZIP ENTRY      rewrites ZIP with the last record of the CSV ENTRY removed
                                    (zipfile recomputes every CRC: only counts and hashes differ)
  tamper.py drop-entry ZIP ENTRY    rewrites ZIP without ENTRY
  tamper.py add-entry ZIP ENTRY     rewrites ZIP with one more small entry named ENTRY
Prints what it did as JSON.
"""
import json
import os
import struct
import sys
import zipfile


def flip(path, name):
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    with open(path, "r+b") as f:
        f.seek(info.header_offset)
        header = f.read(30)
        assert header[:4] == b"PK\x03\x04", "no local header"
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        data = info.header_offset + 30 + name_len + extra_len
        at = data + info.compress_size // 2
        f.seek(at)
        byte = f.read(1)[0]
        f.seek(at)
        f.write(bytes([byte ^ 0x01]))
    return {"offset": at}


def last_record_start(data):
    """Offset where the last record of an RFC 4180 CSV (CRLF-terminated) starts."""
    quoted = False
    starts = [0]
    i = 0
    while i < len(data):
        c = data[i : i + 1]
        if c == b'"':
            quoted = not quoted
        elif not quoted and data[i : i + 2] == b"\r\n":
            starts.append(i + 2)
            i += 1
        i += 1
    # starts[-1] is the end of the file; the last record begins one before it.
    return starts[-2]


def rewrite(path, change):
    tmp = path + ".tmp"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            out = change(info, data)
            if out is not None:
                dst.writestr(info, out, compress_type=info.compress_type)
        extra = change(None, None)
        if extra is not None:
            dst.writestr(extra[0], extra[1])
    os.replace(tmp, path)


def main():
    action, path, name = sys.argv[1:4]
    result = {}
    if action == "flip":
        result = flip(path, name)
    elif action == "drop-row":
        def change(info, data):
            if info is None or info.filename != name:
                return data
            cut = last_record_start(data)
            assert cut > 0 and data.count(b"\r\n") >= 2, "no data record to drop"
            result["dropped"] = data[cut:].decode("utf-8")
            return data[:cut]
        rewrite(path, change)
    elif action == "drop-entry":
        rewrite(path, lambda info, data: None if info is not None and info.filename == name else data)
    elif action == "add-entry":
        rewrite(path, lambda info, data: data if info is not None else (name, b"not part of the export\n"))
    else:
        raise SystemExit("unknown action " + action)
    print(json.dumps(result))


main()
