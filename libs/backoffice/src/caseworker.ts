/** The member of staff who works in the back office, as the back office needs to know them. */
export interface Caseworker {
  id: string;
  email: string;
  role: string;
  /** The offices a caseworker is assigned to; a tenant admin sees every office. */
  offices: readonly string[];
}

/** The offices whose applications `who` may see; undefined for all of the tenant's. */
export const visibleOffices = (who: Caseworker): readonly string[] | undefined =>
  who.role === 'caseworker' ? who.offices : undefined;

/** Whether `who` may see an application with this office. */
export const seesOffice = (who: Caseworker, office: string | null): boolean => {
  const offices = visibleOffices(who);
  return offices === undefined || (office !== null && offices.includes(office));
};
