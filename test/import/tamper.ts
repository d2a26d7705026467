/**
 * Damages zips the way disks, transfers and attackers do, with Python's zipfile (a second,
 * independent zip implementation): flip one byte of an entry's stored data, rewrite an entry
 * with valid CRCs (and, by default, the manifest and datapackage resealed to match), declare
 * entries smaller than they inflate, or add entries with hostile names or a symlink.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

function python(script: string, ...args: string[]): string {
  return execFileSync("python3", ["-c", script, ...args], { encoding: "utf8" });
}

/** Flips one byte in the middle of the first entry whose name starts with `prefix`; returns its name. */
export function flipByteIn(zipPath: string, prefix: string): string {
  return python(
    `
import sys, zipfile, struct
path, prefix = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(path) as z:
    info = next(i for i in z.infolist() if i.filename.startswith(prefix) and i.compress_size > 4)
with open(path, 'r+b') as f:
    f.seek(info.header_offset)
    head = f.read(30)
    n, m = struct.unpack('<HH', head[26:30])
    at = info.header_offset + 30 + n + m + info.compress_size // 2
    f.seek(at); b = f.read(1); f.seek(at); f.write(bytes([b[0] ^ 0xFF]))
print(info.filename, end='')
`,
    zipPath,
    prefix,
  );
}

/**
 * Copies `src` to `dest` replacing entry `name` with `text(old)`, everything else as it was. By
 * default the snapshot is then resealed as a careful forger would: `manifest.json` gets the new
 * entry's size, SHA-256 and (a CSV) row count, `datapackage.json` its bytes and hash, and the
 * manifest the new `datapackage.json`'s — so only checks of the content itself can refuse it.
 * `{ reseal: false }` leaves both as they were (the entry then no longer matches them).
 */
export function replaceEntry(
  src: string,
  dest: string,
  name: string,
  text: (old: string) => string,
  opts: { reseal?: boolean } = {},
): void {
  const old = python(
    `import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode(), end='')`,
    src,
    name,
  );
  const tmp = `${dest}.entry`;
  fs.writeFileSync(tmp, text(old));
  python(
    `
import csv, hashlib, io, json, sys, zipfile
src, dest, name, tmp, reseal = sys.argv[1:6]
with zipfile.ZipFile(src) as a:
    infos = a.infolist()
    data = {i.filename: a.read(i) for i in infos}
data[name] = open(tmp, 'rb').read()
if reseal == '1':
    manifest = json.loads(data['manifest.json'])
    if name.endswith('.csv'):
        pkg = json.loads(data['datapackage.json'])
        for r in pkg['resources']:
            if r.get('path') == name:
                r['bytes'], r['hash'] = len(data[name]), 'sha256:' + hashlib.sha256(data[name]).hexdigest()
        data['datapackage.json'] = json.dumps(pkg, indent=2, ensure_ascii=False).encode()
        records = sum(1 for _ in csv.reader(io.StringIO(data[name].decode(), newline='')))
        for t in manifest['tables']:
            if t['file'] == name:
                t['rows'] = max(records - 1, 0)
    for f in manifest['files']:
        if f['path'] in (name, 'datapackage.json'):
            f['size'], f['sha256'] = len(data[f['path']]), hashlib.sha256(data[f['path']]).hexdigest()
    data['manifest.json'] = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
with zipfile.ZipFile(dest, 'w', zipfile.ZIP_DEFLATED) as b:
    for i in infos:
        b.writestr(i, data[i.filename])
`,
    src,
    dest,
    name,
    tmp,
    opts.reseal === false ? "0" : "1",
  );
  fs.rmSync(tmp);
}

/**
 * Copies `src` to `dest` with each of `names` stored DEFLATEd and its declared uncompressed size,
 * in the central directory and the local header alike, cut to `1/divisor` of its real size (CRC-32
 * of the real bytes): the entry inflates past what it declares. Nothing else in the zip changes.
 */
export function understateSize(src: string, dest: string, names: readonly string[], divisor = 2): void {
  const done = python(
    `
import json, struct, sys, zipfile
src, dest, names, divisor = sys.argv[1], sys.argv[2], set(json.loads(sys.argv[3])), int(sys.argv[4])
with zipfile.ZipFile(src) as a, zipfile.ZipFile(dest, 'w') as b:
    for i in a.infolist():
        data = a.read(i)
        if i.filename in names:
            i.compress_type = zipfile.ZIP_DEFLATED
        b.writestr(i, data)
done = []
with open(dest, 'r+b') as f:
    zip = f.read()
    end = zip.rfind(b'PK\x05\x06')
    count, _, at = struct.unpack('<HII', zip[end + 10:end + 20])
    for _ in range(count):
        real, = struct.unpack('<I', zip[at + 24:at + 28])
        n, m, k = struct.unpack('<HHH', zip[at + 28:at + 34])
        local, = struct.unpack('<I', zip[at + 42:at + 46])
        if zip[at + 46:at + 46 + n].decode() in names:
            declared = struct.pack('<I', max(1, real // divisor))
            f.seek(at + 24); f.write(declared)
            f.seek(local + 22); f.write(declared)
            done.append(zip[at + 46:at + 46 + n].decode())
        at += 46 + n + m + k
print(json.dumps(sorted(done)), end='')
`,
    src,
    dest,
    JSON.stringify(names),
    String(divisor),
  );
  const changed = JSON.parse(done) as string[];
  if (changed.length !== names.length) throw new Error(`no such entries in ${src}: ${names.join(", ")}`);
}

/** Copies `src` to `dest` with one more entry: a hostile name, or a symlink when `symlinkTo` is set. */
export function addEntry(src: string, dest: string, name: string, symlinkTo?: string): void {
  python(
    `
import sys, zipfile, shutil
src, dest, name, link = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
shutil.copyfile(src, dest)
with zipfile.ZipFile(dest, 'a') as z:
    info = zipfile.ZipInfo(name)
    if link:
        info.create_system = 3
        info.external_attr = (0o120777 << 16)
    z.writestr(info, link or 'owned')
`,
    src,
    dest,
    name,
    symlinkTo ?? "",
  );
}

/** The text of entry `name` of a zip. */
export function readEntry(zipPath: string, name: string): string {
  return python(
    `import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode(), end='')`,
    zipPath,
    name,
  );
}

/** One forged copy of a snapshot: where it goes, and the new text of some of its CSVs. */
export interface Forgery {
  dest: string;
  edits: Record<string, string>;
}

/**
 * Copies snapshot `src` once per forgery, with some CSVs rewritten, and re-seals each copy the
 * way a careful forger would: each rewritten CSV's size, SHA-256 and row count in
 * `manifest.json`, its `bytes` and `hash` in `datapackage.json`, and that file's own size and
 * SHA-256 in the manifest. The result passes `hirevault verify`; only what the bytes mean is
 * wrong. One Python process makes all the copies (the source is read once).
 */
export function rewriteSnapshots(src: string, forgeries: readonly Forgery[]): void {
  if (!forgeries.length) return;
  const tmp = fs.mkdtempSync(`${forgeries[0]!.dest}.edits-`);
  const jobs = forgeries.map((f, k) => ({
    dest: f.dest,
    edits: Object.entries(f.edits).map(([name, text], i) => {
      const file = `${tmp}/${k}-${i}`;
      fs.writeFileSync(file, text);
      return [name, file];
    }),
  }));
  fs.writeFileSync(`${tmp}/jobs.json`, JSON.stringify(jobs));
  python(
    `
import sys, zipfile, hashlib, json, csv, io
src, jobs = sys.argv[1], json.load(open(sys.argv[2]))
with zipfile.ZipFile(src) as a:
    infos = a.infolist()
    original = {i.filename: a.read(i) for i in infos}
for job in jobs:
    data = dict(original)
    manifest = json.loads(data["manifest.json"])
    package = json.loads(data["datapackage.json"])
    for n, path in job["edits"]:
        b = open(path, "rb").read()
        data[n] = b
        sha = hashlib.sha256(b).hexdigest()
        rows = sum(1 for _ in csv.reader(io.StringIO(b.decode(), newline=""))) - 1
        for f in manifest["files"]:
            if f["path"] == n: f["size"], f["sha256"] = len(b), sha
        for t in manifest["tables"]:
            if t["file"] == n: t["rows"] = rows
        for r in package["resources"]:
            if r["path"] == n: r["bytes"], r["hash"] = len(b), "sha256:" + sha
    data["datapackage.json"] = (json.dumps(package, indent=2, ensure_ascii=False) + "\\n").encode()
    for f in manifest["files"]:
        if f["path"] == "datapackage.json":
            f["size"], f["sha256"] = len(data["datapackage.json"]), hashlib.sha256(data["datapackage.json"]).hexdigest()
    data["manifest.json"] = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
    with zipfile.ZipFile(job["dest"], "w", zipfile.ZIP_DEFLATED) as b:
        for i in infos:
            b.writestr(i, data[i.filename])
`,
    src,
    `${tmp}/jobs.json`,
  );
  fs.rmSync(tmp, { recursive: true, force: true });
}

/** {@link rewriteSnapshots} with one forgery. */
export function rewriteSnapshot(src: string, dest: string, edits: Record<string, string>): void {
  rewriteSnapshots(src, [{ dest, edits }]);
}
