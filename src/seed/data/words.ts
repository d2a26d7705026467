/**
 * Vocabulary of the seed data. Plain, varied, international names so ordinary rows look real;
 * the hostile values live in `../hostile.ts`.
 */

// biome-ignore format: packed word lists are easier to scan
export const FIRST_NAMES = [
  "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Ava", "Elijah", "Sophia", "Lucas", "Mia", "Mateo",
  "Isabella", "Leo", "Charlotte", "Hugo", "Chloé", "Léa", "Jonas", "Lena", "Lukas", "Hannah", "Søren",
  "Astrid", "Björn", "Ingrid", "Aino", "Mikko", "Zofia", "Jakub", "Aleksandra", "Dmitri", "Ana", "João",
  "Inês", "Pablo", "Lucía", "Alejandro", "Carmen", "Giulia", "Marco", "Francesca", "Ahmed", "Fatima",
  "Omar", "Layla", "Yusuf", "Aisha", "Priya", "Arjun", "Ananya", "Rahul", "Wei", "Mei", "Hiroshi", "Yuki",
  "Min-jun", "Seo-yeon", "Thanh", "Linh", "Kwame", "Amara", "Chidi", "Ngozi", "Tendai", "Zanele",
  "Santiago", "Valentina", "Diego", "Camila", "Siobhán", "Seán", "Aoife", "Eoin", "Nadia", "Tomasz", "Emil",
  "Freya", "Ravi", "Keanu",
];

// biome-ignore format: packed word lists are easier to scan
export const LAST_NAMES = [
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Clark",
  "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Dubois", "Lefèvre", "Moreau", "Laurent", "Rossi",
  "Russo", "Bianchi", "Romano", "García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Silva",
  "Santos", "Oliveira", "Costa", "Kowalski", "Nowak", "Wiśniewska", "Novák", "Horváth", "Nagy", "Ivanova",
  "Petrov", "Jensen", "Nielsen", "Hansen", "Andersson", "Johansson", "Virtanen", "Korhonen", "O'Brien",
  "O'Connor", "Murphy", "Kelly", "Khan", "Ahmed", "Hussain", "Patel", "Sharma", "Singh", "Gupta", "Chen",
  "Wang", "Li", "Zhang", "Tanaka", "Suzuki", "Sato", "Kim", "Park", "Nguyen", "Tran", "Okafor", "Mensah",
  "Abebe", "Dlamini", "Hernández", "Ramírez", "Cohen", "Levi", "Haddad", "Yılmaz",
];

// biome-ignore format: packed word lists are easier to scan
export const CITIES = [
  "London, UK", "Manchester, UK", "Edinburgh, UK", "Dublin, Ireland", "Berlin, Germany", "Munich, Germany",
  "Hamburg, Germany", "Paris, France", "Lyon, France", "Amsterdam, Netherlands", "Rotterdam, Netherlands",
  "Brussels, Belgium", "Madrid, Spain", "Barcelona, Spain", "Lisbon, Portugal", "Milan, Italy",
  "Rome, Italy", "Zürich, Switzerland", "Vienna, Austria", "Copenhagen, Denmark", "Stockholm, Sweden",
  "Oslo, Norway", "Helsinki, Finland", "Warsaw, Poland", "Kraków, Poland", "Prague, Czechia",
  "Budapest, Hungary", "New York, NY", "San Francisco, CA", "Austin, TX", "Toronto, Canada", "Remote",
  "São Paulo, Brazil", "Bengaluru, India", "Singapore", "Tokyo, Japan", "Sydney, Australia",
  "Cape Town, South Africa",
];

// biome-ignore format: packed word lists are easier to scan
export const COMPANY_WORDS = [
  "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Cyberdyne",
  "Nimbus", "Helix", "Quantum", "Vertex", "Pinnacle", "Aurora", "Zenith", "Nova", "Orbit", "Summit",
  "Harbor", "Cedar", "Maple", "Atlas", "Beacon", "Cobalt", "Delta", "Ember", "Falcon", "Granite",
  "Ironwood", "Juniper", "Kestrel", "Lumen", "Meridian", "Northwind", "Onyx", "Polaris", "Quarry",
  "Riverside",
];

// biome-ignore format: packed word lists are easier to scan
export const COMPANY_SUFFIXES = [
  "Ltd", "GmbH", "S.A.", "Inc.", "B.V.", "AG", "plc", "Labs", "Systems", "Group", "Analytics", "Health",
];

// biome-ignore format: packed word lists are easier to scan
export const INDUSTRIES = [
  "Software", "Fintech", "Healthcare", "Retail", "Logistics", "Manufacturing", "Energy", "Media",
  "Education", "Consulting", "Insurance", "Telecommunications", "Biotech", "Automotive", "Hospitality",
];

export const COMPANY_SIZES = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+"];

// biome-ignore format: packed word lists are easier to scan
export const JOB_TITLES = [
  "Software Engineer", "Senior Software Engineer", "Frontend Developer", "Backend Developer",
  "Data Scientist", "Data Engineer", "DevOps Engineer", "Site Reliability Engineer", "Product Manager",
  "Product Designer", "UX Researcher", "QA Engineer", "Engineering Manager", "Account Executive",
  "Sales Development Representative", "Customer Success Manager", "Marketing Manager", "Content Writer",
  "Financial Analyst", "Accountant", "HR Business Partner", "Recruiter", "Office Manager",
  "Operations Manager", "Supply Chain Analyst", "Nurse", "Pharmacist", "Mechanical Engineer",
  "Electrical Engineer", "Project Manager", "Business Analyst", "Legal Counsel", "Paralegal",
];

// biome-ignore format: packed word lists are easier to scan
export const DEPARTMENTS = [
  "Engineering", "Product", "Design", "Data", "Sales", "Marketing", "Customer Success", "Finance", "People",
  "Operations", "Legal", "Clinical",
];

// biome-ignore format: packed word lists are easier to scan
export const SCHOOLS = [
  "University of Oxford", "University of Cambridge", "Imperial College London", "UCL", "ETH Zürich",
  "TU München", "Sorbonne Université", "Universidad de Barcelona", "Politecnico di Milano",
  "KTH Royal Institute of Technology", "University of Helsinki", "Trinity College Dublin", "MIT",
  "Stanford University", "University of Toronto", "IIT Bombay", "National University of Singapore",
  "University of Tokyo", "Universidade de São Paulo", "University of Cape Town",
];

export const DEGREES = ["BSc", "BA", "MSc", "MA", "MBA", "PhD", "BEng", "MEng", "Diploma"];

// biome-ignore format: packed word lists are easier to scan
export const FIELDS_OF_STUDY = [
  "Computer Science", "Mathematics", "Physics", "Economics", "Business Administration", "Psychology",
  "Mechanical Engineering", "Electrical Engineering", "Marketing", "Law", "Nursing", "Design",
];

// biome-ignore format: packed word lists are easier to scan
export const SKILLS = [
  "TypeScript", "Python", "Go", "Rust", "Java", "Kotlin", "SQL", "PostgreSQL", "Kubernetes", "AWS", "React",
  "Figma", "Salesforce", "Excel", "Negotiation", "Leadership", "Machine Learning", "Terraform",
];

// biome-ignore format: packed word lists are easier to scan
export const NOTE_PHRASES = [
  "Great conversation about their last project.", "Strong communicator, a bit light on system design.",
  "Asked about remote work and the on-call rota.",
  "Salary expectations are above the band; discuss with the hiring manager.",
  "Available to start in two months.", "Referred by a former colleague.",
  "Follow up next week with the take-home exercise.", "Left a voicemail, no answer yet.",
  "Interested, but only for a hybrid role.", "Very good culture add; keep warm for future openings.",
];

// biome-ignore format: packed word lists are easier to scan
export const REJECT_REASONS = [
  "Not enough experience", "Skills mismatch", "Salary expectations too high", "Position filled",
  "Failed technical assessment", "Did not pass the screening call", "Location not suitable",
];

// biome-ignore format: packed word lists are easier to scan
export const WITHDRAW_REASONS = [
  "Accepted another offer", "No longer looking", "Compensation", "Relocation not possible",
  "Did not respond",
];

export const DEAL_STAGES = ["Lead", "Qualified", "Proposal", "Negotiation", "Closed"];

// biome-ignore format: packed word lists are easier to scan
export const TAG_NAMES = [
  "Top talent", "Silver medalist", "Remote only", "Relocation", "Visa required", "Do not contact", "Alumni",
  "Diversity hire", "Passive", "Hot lead", "Key account", "Urgent", "Evergreen", "Graduate", "Senior",
  "Freelance", "Returning", "Event 2025", "Referral bonus", "Needs follow-up",
];

// biome-ignore format: packed word lists are easier to scan
export const EMAIL_SUBJECTS = [
  "Quick question about your next move", "Your application at {company}", "Interview invitation",
  "Following up", "An opportunity that fits your profile", "Thanks for your time today",
];

// biome-ignore format: packed word lists are easier to scan
export const TASK_TITLES = [
  "Call back candidate", "Send interview feedback", "Schedule onsite", "Check references",
  "Prepare offer letter", "Update job description", "Chase client for feedback", "Review shortlist",
];
