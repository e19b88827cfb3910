// The tool version, printed in every signature and stored with every run.
export const VERSION = '0.1.0';
