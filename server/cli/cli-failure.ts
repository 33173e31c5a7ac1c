/** A command's refusal or failure, in one line, with its exit code (1 failure, 2 usage); printed on stderr. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}
