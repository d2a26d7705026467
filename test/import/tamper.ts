/**
 * Damages zips the way disks, transfers and attackers do, with Python's zipfile (a second,
 * independent zip implementation): flip one byte of an entry's stored data, rewrite an entry
 * with valid CRCs, or add entries with hostile names or a symlink.
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

/** Copies `src` to `dest` replacing entry `name` with `text`, everything else as it was. */
export function replaceEntry(src: string, dest: string, name: string, text: (old: string) => string): void {
  const old = python(
    `import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode(), end='')`,
    src,
    name,
  );
  const tmp = `${dest}.entry`;
  fs.writeFileSync(tmp, text(old));
  python(
    `
import sys, zipfile
src, dest, name, tmp = sys.argv[1:5]
with zipfile.ZipFile(src) as a, zipfile.ZipFile(dest, 'w', zipfile.ZIP_DEFLATED) as b:
    for i in a.infolist():
        b.writestr(i, open(tmp, 'rb').read() if i.filename == name else a.read(i))
`,
    src,
    dest,
    name,
    tmp,
  );
  fs.rmSync(tmp);
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
