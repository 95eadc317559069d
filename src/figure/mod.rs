pub mod chart_old;
