/** A build problem the user can fix: printed as one clear message, never with a stack trace. */
export class ImageBuildError extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = "ImageBuildError";
  }
}
