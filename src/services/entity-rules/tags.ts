import type { FieldError } from "../../domain/errors.js";
import { ValidationError } from "../../domain/errors.js";
import { checkText } from "../entity-input.js";
import type { EntityRule, RuleTx } from "./rule.js";

/** Tags on taggable entities: given and shown as a list of names, stored as tags + taggings. */
function parseTags(raw: unknown): string[] {
  if (!Array.isArray(raw)) throw ValidationError.field("tags", "must be an array of strings");
  const errors: FieldError[] = [];
  const names = raw.map((t, i) => {
    if (typeof t !== "string" || t.trim() === "")
      errors.push({ field: `tags[${i}]`, message: "must be a non-empty string" });
    else checkText(`tags[${i}]`, t, errors);
    return typeof t === "string" ? t.trim() : "";
  });
  if (errors.length) throw new ValidationError(errors);
  return [...new Set(names)];
}

/**
 * Sets an entity's tags to `names`, creating tags that do not exist yet. Two writes naming the
 * same new tag at once both succeed and share one tag (get-or-create by the unique name).
 */
async function setTags(tx: RuleTx, entityType: string, entityId: string, names: string[]): Promise<void> {
  const { accountId } = tx.ctx;
  const byName = new Map<string, string>();
  for (const name of names) {
    const tag = await tx.repo.findOrInsert("tags", ["account_id", "name"], {
      id: tx.newId(),
      account_id: accountId,
      name,
      created_at: tx.now,
      updated_at: tx.now,
    });
    byName.set(name, String(tag.id));
  }
  const current = (await tx.repo.findBy(accountId, "taggings", "entity_id", [entityId])).filter(
    (t) => t.entity_type === entityType,
  );
  const wanted = new Set(names.map((n) => byName.get(n)!));
  const stale = current.filter((t) => !wanted.has(String(t.tag_id))).map((t) => String(t.id));
  if (stale.length) await tx.cascade("taggings", stale);
  const have = new Set(current.map((t) => String(t.tag_id)));
  for (const tagId of wanted) {
    if (have.has(tagId)) continue;
    await tx.repo.insertUnlessExists("taggings", ["tag_id", "entity_type", "entity_id"], {
      id: tx.newId(),
      account_id: accountId,
      tag_id: tagId,
      entity_type: entityType,
      entity_id: entityId,
      created_at: tx.now,
      updated_at: tx.now,
    });
  }
}

/** The tags rule for one entity type. */
export function tagsRule(entityType: string): EntityRule {
  return {
    extras: ["tags"],
    async afterCreate(tx, row, extras) {
      if (extras.tags !== undefined) await setTags(tx, entityType, String(row.id), parseTags(extras.tags));
    },
    async afterUpdate(tx, _before, after, extras) {
      if (extras.tags !== undefined) await setTags(tx, entityType, String(after.id), parseTags(extras.tags));
    },
    async present(read, rows) {
      const taggings = (
        await read.repo.findBy(
          read.accountId,
          "taggings",
          "entity_id",
          rows.map((r) => r.id),
        )
      ).filter((t) => t.entity_type === entityType);
      const tags = await read.repo.findBy(read.accountId, "tags", "id", [
        ...new Set(taggings.map((t) => t.tag_id)),
      ]);
      const names = new Map(tags.map((t) => [t.id, String(t.name)]));
      for (const row of rows) {
        row.tags = taggings
          .filter((t) => t.entity_id === row.id)
          .map((t) => names.get(t.tag_id) ?? "")
          .sort();
      }
    },
  };
}
