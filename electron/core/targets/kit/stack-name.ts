import { ValidationError } from '../../errors.ts';

const STACK_NAME = /^[a-z0-9][a-z0-9-]{0,29}$/;

/** One rule for every target: the name becomes part of container, object and DNS names. */
export function validateStackName(stack: string): string {
  if (!STACK_NAME.test(stack)) {
    throw new ValidationError(
      'stack',
      'must be 1-30 characters of a-z, 0-9 and "-", starting with a letter or digit',
    );
  }
  return stack;
}
