/**
 * Why a snapshot cannot be imported, naming the file, line and column when there is one. A failed
 * import removes the rows and files it wrote before it throws, so this error always means
 * "nothing was imported".
 */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportError";
  }

  /** An error about one value: `persons/persons.csv line 12, first_name: must not be null`. */
  static at(path: string, line: number, column: string, message: string): ImportError {
    return new ImportError(`${path} line ${line}, ${column}: ${message}`);
  }
}
