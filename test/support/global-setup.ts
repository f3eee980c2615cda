/** Run-wide test setup. Extended as shared fixtures (such as the database template) are added. */
export default function setup(): void {}
