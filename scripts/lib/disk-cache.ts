import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A content-addressed cache of derived files (parsed CRDs, compiled validators) under
 * node_modules/.cache/<name>, like the TypeScript loader's: the key hashes everything the file is
 * derived from, so an entry is never stale, only unused. CNAI_CACHE=off turns it off.
 */
export class DiskCache {
  readonly dir: string;
  readonly enabled: boolean;

  constructor(name: string, env: NodeJS.ProcessEnv = process.env) {
    this.dir = path.join(path.resolve(__dirname, "..", ".."), "node_modules", ".cache", name);
    this.enabled = env.CNAI_CACHE !== "off";
  }

  static key(...parts: string[]): string {
    const hash = crypto.createHash("sha1");
    for (const part of parts) hash.update(part).update("\0");
    return hash.digest("hex");
  }

  file(key: string, extension: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}${extension}`);
  }

  read(file: string): string | undefined {
    if (!this.enabled) return undefined;
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  }

  /** Writes then renames, so a parallel process never reads half a file; a failed write only costs a recomputation. */
  write(file: string, text: string): void {
    if (!this.enabled) return;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const partial = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(partial, text);
      fs.renameSync(partial, file);
    } catch {
      // read-only or full disk
    }
  }
}
