/** Screens whose features have not landed yet. */
import { Placeholder } from '../components/Placeholder';

export const Analytics = () => (
  <Placeholder title="Analytics" what="Charts of views, engagement and score accuracy per post and campaign — arrive with the metrics work." />
);
