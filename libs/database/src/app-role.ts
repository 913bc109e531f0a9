/**
 * The role the application works as: neither owner of the tables nor BYPASSRLS. The migrations
 * create it and grant it what it needs; its password is the operator's business.
 */
export const APP_ROLE = 'openrathaus_app';
