/** Character codes of JSON's structural characters, for the scanners that walk artifact text by hand. */
export const OPEN_BRACE = 0x7b;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACE = 0x7d;
export const CLOSE_BRACKET = 0x5d;
export const QUOTE = 0x22;
export const COLON = 0x3a;
export const COMMA = 0x2c;
export const BACKSLASH = 0x5c;

/** Whether `c` is JSON whitespace (space, tab, line feed, carriage return). */
export const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
