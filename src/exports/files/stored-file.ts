/** A file in blob storage on its way into an export's zip, and the entry name it gets there. */
export interface StoredFile {
  attachmentId: string;
  storageKey: string;
  /** File name as uploaded. */
  fileName: string;
  /** Size recorded in the database: checked against storage before the entry starts. */
  sizeBytes: number;
  /** Entry name in the zip (in the backup, also the text of the report's CV cell). */
  path: string;
}
