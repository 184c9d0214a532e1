/** Screens whose features have not landed yet. */
import { Placeholder } from '../components/Placeholder';

export const Calendar = () => (
  <Placeholder title="Calendar" what="Schedule posts per account and time zone, and see what goes out when — arrives with the scheduler work." />
);

export const Analytics = () => (
  <Placeholder title="Analytics" what="Charts of views, engagement and score accuracy per post and campaign — arrive with the metrics work." />
);
