/**
 * The order of an organization's posts by createdAt and lastModifiedAt, kept without
 * materialising the posts themselves (100,000 posts cost a few batches).
 *
 * @module
 */

interface PostBatch {
  seq: number; // first sequence number (position in LAST_MODIFIED order, oldest = 0)
  index: number; // first post index
  count: number;
  time: number; // createdAt of the first post
  step: number; // createdAt spacing
  edit?: (k: number) => number; // lastModifiedAt - createdAt for the k-th post
}

/**
 * Tracks post order without materialising posts: each post holds one sequence number, increasing
 * with lastModifiedAt; touching a post moves it to a fresh number and leaves a hole behind.
 */
export class PostTimeline {
  /** Number of posts; post indices are `0 … size - 1`, oldest created first. */
  size = 0;
  private newest = -Infinity;
  private nextSeq = 0;
  private readonly batches: PostBatch[] = [];
  private readonly touches = new Map<number, { seq: number; time: number }>();
  private readonly touchedSeqs = new Map<number, number>();
  private readonly holes: number[] = []; // descending
  private readonly holeSet = new Set<number>();

  /** Adds `count` posts created `step` ms apart from `time`; `edit(k)` delays lastModifiedAt. */
  append(count: number, time: number, step: number, edit?: (k: number) => number): void {
    if (count <= 0) return;
    this.batches.push({ seq: this.nextSeq, index: this.size, count, time, step, edit });
    this.nextSeq += count;
    this.size += count;
    this.newest = Math.max(this.newest, this.lastModifiedAt(this.size - 1));
  }

  /** The time a new or touched post gets: now, but strictly newer than any post so far. */
  freshTime(now: number): number {
    return Math.max(now, this.newest + 1);
  }

  /** Sets the post's lastModifiedAt to a fresh time, moving it to the front. */
  touch(index: number, now: number): void {
    const time = this.freshTime(now);
    const old = this.seqOf(index);
    this.holes.push(old);
    this.holes.sort((a, b) => b - a);
    this.holeSet.add(old);
    const seq = this.nextSeq++;
    this.touches.set(index, { seq, time });
    this.touchedSeqs.set(seq, index);
    this.newest = time;
  }

  /** The post's createdAt (also its publishedAt). */
  createdAt(index: number): number {
    const batch = this.batchOfIndex(index);
    return batch.time + (index - batch.index) * batch.step;
  }

  /** The post's lastModifiedAt. */
  lastModifiedAt(index: number): number {
    const touched = this.touches.get(index);
    if (touched) return touched.time;
    const batch = this.batchOfIndex(index);
    return this.createdAt(index) + (batch.edit?.(index - batch.index) ?? 0);
  }

  /** Post indices newest-first by lastModifiedAt, from position `start`. */
  byLastModified(start: number, count: number): number[] {
    let seq = this.nextSeq - 1 - start;
    for (const hole of this.holes) {
      if (hole < seq) break;
      seq--;
    }
    const out: number[] = [];
    for (; seq >= 0 && out.length < count; seq--) {
      if (!this.holeSet.has(seq)) out.push(this.indexAtSeq(seq));
    }
    return out;
  }

  /** Post indices newest-first by createdAt (creation order never changes). */
  byCreated(start: number, count: number): number[] {
    const out: number[] = [];
    for (let i = this.size - 1 - start; i >= 0 && out.length < count; i--) out.push(i);
    return out;
  }

  /** The post's current sequence number. */
  private seqOf(index: number): number {
    const batch = this.batchOfIndex(index);
    return this.touches.get(index)?.seq ?? batch.seq + index - batch.index;
  }

  /** The post holding sequence number `seq`. */
  private indexAtSeq(seq: number): number {
    const touched = this.touchedSeqs.get(seq);
    if (touched !== undefined) return touched;
    const batch = this.batches.find((b) => seq >= b.seq && seq < b.seq + b.count)!;
    return batch.index + seq - batch.seq;
  }

  /** The batch that created post `index`. */
  private batchOfIndex(index: number): PostBatch {
    return this.batches.find((b) => index >= b.index && index < b.index + b.count)!;
  }
}
