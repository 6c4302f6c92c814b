/** A construct was given props it cannot build; the message names the construct and the props. */
export class InvalidPropsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPropsError';
  }
}
