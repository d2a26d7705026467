// The header builder is pure and also used by storage (S3 presigned downloads name the file the
// same way), so it lives in domain/; HTTP code keeps importing it from here.
export { asciiFallback, contentDisposition, encodeRfc8187 } from "../../domain/content-disposition.js";
