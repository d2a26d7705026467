// datapackage (frictionlessdata/datapackage-js, the reference JavaScript implementation of the
// Data Package and Table Schema v1 specs) ships no types; this covers what the snapshot test uses.
declare module "datapackage" {
  interface Resource {
    readonly name: string;
    /** Reads every row, cast and checked against the schema (and foreign keys with `relations`). */
    read(options?: { relations?: boolean; keyed?: boolean; cast?: boolean }): Promise<unknown[]>;
  }

  export class Package {
    /** Loads a descriptor (a path or object); `basePath` is where resource paths are resolved. */
    static load(
      descriptor: string | object,
      options?: { basePath?: string; strict?: boolean },
    ): Promise<Package>;
    readonly valid: boolean;
    readonly errors: Error[];
    readonly resources: Resource[];
  }
}
