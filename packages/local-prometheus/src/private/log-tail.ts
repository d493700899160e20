/** Keeps the last `capacity` lines written to it, for error messages about a child process. */
export class LogTail {
  private readonly lines: string[] = [];
  private partial = "";

  constructor(private readonly capacity: number) {}

  write(chunk: string): void {
    const parts = (this.partial + chunk).split("\n");
    this.partial = parts.pop() ?? "";
    for (const line of parts) this.push(line);
  }

  /** Adds a line of our own (spawn errors, exit status) to the tail. */
  note(line: string): void {
    this.push(line);
  }

  text(lines = this.capacity): string {
    const all = this.partial === "" ? this.lines : [...this.lines, this.partial];
    return all.slice(-lines).join("\n");
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }
}
