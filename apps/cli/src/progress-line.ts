/** Where a progress line is drawn: a terminal's stderr. */
export interface ProgressStream {
  write(text: string): unknown;
}

/** A one-line count of work done (`auditing: 1,200 of 5,000 entries (24%)`), redrawn at most every 200 ms. */
export class ProgressLine {
  private drawnAt = 0;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly activity: string,
  ) {}

  show(entries: number, total: number): void {
    const now = Date.now();
    if (now - this.drawnAt < 200) return;
    this.drawnAt = now;
    this.drawn = true;
    const percent = total > 0 ? ` (${Math.min(100, Math.floor((entries / total) * 100))}%)` : '';
    this.stream.write(
      `\r${this.activity}: ${entries.toLocaleString('en')} of ${total.toLocaleString('en')} entries${percent}`,
    );
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\u001b[2K');
  }
}
