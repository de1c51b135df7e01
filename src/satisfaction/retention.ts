import { RatingModel } from './model.js';

/**
 * Retention of the desk ratings' free-text comments (a citizen may have written a name or a number despite the hint):
 * the comments of ratings made before `ratedBefore` are erased; the rating itself (level, criteria, month) stays, so
 * the satisfaction rates do not change. Returns how many comments were erased; a rerun finds none.
 */
export async function eraseRatingCommentsBefore(ratedBefore: Date): Promise<number> {
  const withComment = await RatingModel.find({ comment: { $ne: '' } }).select('ratedAt').lean();
  const ids = withComment.filter((r) => r.ratedAt.getTime() < ratedBefore.getTime()).map((r) => r._id);
  let erased = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const { modifiedCount } = await RatingModel.updateMany({ _id: { $in: ids.slice(i, i + 500) } }, { $set: { comment: '' } });
    erased += modifiedCount;
  }
  return erased;
}
